package auditapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxErrorBody bounds what we read of an error response: only its code and
// message matter.
const maxErrorBody = 64 << 10

// failure is one failed attempt: the error to return if it is the last, and
// whether and how long to wait before the next.
type failure struct {
	err      *Error
	retry    WaitReason // "" means do not retry
	after    time.Duration
	hasAfter bool // a Retry-After to honour instead of backoff
}

// get runs GET base+path with retries and hands a 200 body to decode.
func (c *Client) get(ctx context.Context, op, path string, q url.Values, decode func([]byte) error) error {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	for attempt := 1; ; attempt++ {
		f := c.try(ctx, op, u, decode)
		if f == nil {
			return nil
		}
		if ctx.Err() != nil {
			return c.stopped(ctx, op)
		}
		f.err.Attempts = attempt
		if f.retry == "" || attempt >= c.cfg.MaxAttempts {
			return f.err
		}
		d := c.backoff(attempt)
		if f.hasAfter {
			d = min(f.after, c.cfg.MaxRetryAfter)
		}
		if c.cfg.OnWait != nil {
			c.cfg.OnWait(Wait{Reason: f.retry, Delay: d, Attempt: attempt, Err: f.err})
		}
		if err := c.cfg.Sleep(ctx, d); err != nil || ctx.Err() != nil {
			return c.stopped(ctx, op)
		}
	}
}

// stopped wraps the caller's cancellation, so errors.Is(err,
// context.Canceled) holds and it is not mistaken for a failure.
func (c *Client) stopped(ctx context.Context, op string) error {
	err := ctx.Err()
	if err == nil {
		err = context.Canceled // Sleep gave up without the context ending
	}
	return fmt.Errorf("auditapi: %s on %s stopped: %w", op, c.host, err)
}

// try makes one attempt, bounded by AttemptTimeout from request to the end
// of the body. It returns nil on success.
func (c *Client) try(ctx context.Context, op, u string, decode func([]byte) error) *failure {
	actx, cancel := context.WithTimeout(ctx, c.cfg.AttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u, nil)
	if err != nil {
		return &failure{err: c.newError(op, ErrInvalidRequest, err.Error(), nil)}
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.ua)
	resp, err := c.hc.Do(req)
	if err != nil {
		return c.transportFailure(op, actx, err)
	}
	defer func() { _ = resp.Body.Close() }() // read to the end or abandoned: either way done

	if resp.StatusCode != http.StatusOK {
		return c.statusFailure(op, resp)
	}
	body, f := c.readBody(op, actx, resp)
	if f != nil {
		return f
	}
	if err := decode(body); err != nil {
		if errors.Is(err, errTruncated) { // the connection closed mid-body
			return &failure{err: c.newError(op, ErrUnavailable, "the response was cut short", nil), retry: WaitTransient}
		}
		e := c.newError(op, ErrMalformed, err.Error(), nil)
		e.Status = resp.StatusCode
		return &failure{err: e}
	}
	return nil
}

// readBody reads a 200 body up to the cap.
func (c *Client) readBody(op string, actx context.Context, resp *http.Response) ([]byte, *failure) {
	limit := c.cfg.MaxBodyBytes
	tooLarge := func() *failure {
		e := c.newError(op, ErrTooLarge, "over "+sizeText(limit), nil)
		e.Status = resp.StatusCode
		return &failure{err: e}
	}
	if resp.ContentLength > limit {
		return nil, tooLarge()
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, limit+1))
	switch {
	case n > limit:
		return nil, tooLarge()
	case err != nil:
		return nil, c.transportFailure(op, actx, err)
	}
	return buf.Bytes(), nil
}

// statusFailure turns an error status into a failure, using the body's code
// and message when it has them.
func (c *Client) statusFailure(op string, resp *http.Response) *failure {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	code, msg := decodeErrorBody(body)
	if code == "" && msg == "" {
		msg = plainText(body)
	}
	f := &failure{}
	var kind error
	switch s := resp.StatusCode; {
	case (s == http.StatusBadRequest || s == http.StatusNotFound) && namesCursor(resp.Request, code, msg):
		kind = ErrCursorUnknown
	case s == http.StatusBadRequest:
		kind = ErrInvalidRequest
	case s == http.StatusUnauthorized:
		kind = ErrUnauthenticated
	case s == http.StatusForbidden:
		kind = ErrForbidden
	case s == http.StatusNotFound:
		kind = ErrNotFound
	case s == http.StatusGone:
		kind = ErrCursorExpired
	case s == http.StatusTooManyRequests:
		kind, f.retry = ErrRateLimited, WaitRateLimited
		f.after, f.hasAfter = retryAfter(resp.Header.Get("Retry-After"))
	case s == http.StatusInternalServerError, s == http.StatusBadGateway, s == http.StatusGatewayTimeout:
		kind, f.retry = ErrUnavailable, WaitUnavailable
	case s == http.StatusServiceUnavailable:
		kind, f.retry = ErrUnavailable, WaitUnavailable
		f.after, f.hasAfter = retryAfter(resp.Header.Get("Retry-After"))
	case s >= 500:
		kind = ErrUnavailable // 501, 505...: repeating will not help
	default:
		kind = ErrMalformed // a status the contract does not have
		if msg == "" {
			msg = "unexpected status " + http.StatusText(s)
		}
	}
	f.err = c.newError(op, kind, msg, nil)
	f.err.Status, f.err.Code = resp.StatusCode, c.clean(code)
	return f
}

// namesCursor says whether a 400 or 404 is about the request's cursor: a
// server that restarted (a deploy, a failover) no longer knows the cursors
// it gave, and the contract has no code for that. With a cursor only the
// cursor and the limit are sent, so an error that names it is about it.
func namesCursor(req *http.Request, code, msg string) bool {
	if req == nil || req.URL == nil || !req.URL.Query().Has("cursor") {
		return false
	}
	return strings.Contains(strings.ToLower(code+" "+msg), "cursor")
}

// plainText keeps a short non-JSON, non-HTML error body (a proxy's "Bad
// Gateway" line); markup is noise in a one-line error.
func plainText(body []byte) string {
	s := strings.TrimSpace(string(body))
	if s == "" || strings.HasPrefix(s, "<") || strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
		return ""
	}
	return s
}

// retryAfter parses integer seconds or an HTTP-date; a date in the past
// means now.
func retryAfter(h string) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(h, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(24*time.Hour/time.Second) { // avoids overflow; capped later anyway
			n = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// backoff is full jitter: uniform in [0, min(MaxDelay, BaseDelay*2^(attempt-1))],
// so many clients that failed together do not retry together.
func (c *Client) backoff(attempt int) time.Duration {
	ceil := c.cfg.MaxDelay
	if shift := attempt - 1; shift < 32 {
		if d := c.cfg.BaseDelay << shift; d > 0 && d < ceil {
			ceil = d
		}
	}
	if ceil <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceil) + 1))
}

// transportFailure classifies an error with no usable response: TLS is
// final; a dial that fails is "unreachable"; timeouts, resets and cut
// bodies are transient.
func (c *Client) transportFailure(op string, actx context.Context, err error) *failure {
	var (
		unknownCA x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		invalid   x509.CertificateInvalidError
		verifyErr *tls.CertificateVerificationError
		recErr    tls.RecordHeaderError
		alert     tls.AlertError
		dnsErr    *net.DNSError
		opErr     *net.OpError
	)
	tlsErr := func(what, advice string) *failure {
		e := c.newError(op, ErrTLS, causeText(err), err)
		e.what, e.advice = what, advice
		return &failure{err: e}
	}
	const caAdvice = "if a corporate proxy re-signs TLS, give its CA file"
	switch {
	case errors.As(err, &unknownCA):
		return tlsErr("the certificate of "+c.host+" is not trusted", caAdvice)
	case errors.As(err, &hostErr):
		return tlsErr("the certificate of "+c.host+" is not valid for that name", "check the host in the base URL; "+caAdvice)
	case errors.As(err, &invalid):
		return tlsErr("the certificate of "+c.host+" is invalid or expired", "check the computer's clock; "+caAdvice)
	case errors.As(err, &verifyErr):
		return tlsErr("the certificate of "+c.host+" could not be verified", caAdvice)
	case errors.As(err, &recErr), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return tlsErr(c.host+" does not speak TLS on that port", "check the base URL's scheme and port")
	case errors.As(err, &alert):
		return tlsErr("the TLS handshake with "+c.host+" failed", "check the base URL; "+caAdvice)
	case errors.As(err, &dnsErr), errors.As(err, &opErr) && opErr.Op == "dial":
		return &failure{err: c.newError(op, ErrUnreachable, causeText(err), err), retry: WaitTransient}
	case actx.Err() != nil:
		msg := "no complete answer within " + c.cfg.AttemptTimeout.String()
		return &failure{err: c.newError(op, ErrUnavailable, msg, nil), retry: WaitTransient}
	}
	return &failure{err: c.newError(op, ErrUnavailable, causeText(err), err), retry: WaitTransient}
}

// causeText is an error's text without net/http's `Get "URL": ` prefix:
// the host is already in the message and the URL adds only noise.
func causeText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the connection closed mid-response"
	}
	return err.Error()
}

// newError builds an *Error with outside text made one line and the token
// removed, in case a server or proxy echoes it back.
func (c *Client) newError(op string, kind error, msg string, cause error) *Error {
	if errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded) {
		cause = nil // here it is an attempt's timeout; errors.Is must not mistake it for the caller's
	}
	return &Error{Op: op, Host: c.host, Message: c.clean(msg), kind: kind, cause: cause}
}

func (c *Client) clean(s string) string {
	return oneLine(strings.ReplaceAll(s, c.cfg.Token, "[token]"))
}

// sizeText renders a byte count for messages.
func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
