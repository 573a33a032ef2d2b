package app

import (
	"log/slog"
	"strings"
)

// WailsLogger sends the Wails runtime's own log lines to the app's slog
// log file instead of stdout.
type WailsLogger struct{ Log *slog.Logger }

func (l WailsLogger) Print(m string)   { l.Log.Info(trim(m), "src", "wails") }
func (l WailsLogger) Trace(m string)   { l.Log.Debug(trim(m), "src", "wails") }
func (l WailsLogger) Debug(m string)   { l.Log.Debug(trim(m), "src", "wails") }
func (l WailsLogger) Info(m string)    { l.Log.Info(trim(m), "src", "wails") }
func (l WailsLogger) Warning(m string) { l.Log.Warn(trim(m), "src", "wails") }
func (l WailsLogger) Error(m string)   { l.Log.Error(trim(m), "src", "wails") }
func (l WailsLogger) Fatal(m string)   { l.Log.Error(trim(m), "src", "wails", "fatal", true) }

func trim(m string) string { return strings.TrimSpace(m) }
