// Package window opens AuditDesk's window: in the build linked with Wails
// and WebKitGTK (tags desktop, dev or bindings) itself; in the command
// line's build, pure Go, by handing over to auditdesk-window beside it.
// Loading GTK and WebKitGTK took about 0.1 s of every command's life,
// more than a query, so the command line does not link them.
package window

import "io/fs"

// Config is what the window needs from main.
type Config struct {
	Version  string
	DataFlag string   // --data, "" for the default
	Args     []string // the command line's arguments, for auditdesk-window
	Assets   fs.FS    // the frontend's dist folder
	Icon     []byte
}
