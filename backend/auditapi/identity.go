package auditapi

import (
	"fmt"

	"github.com/auditdesk/auditdesk/backend/audit"
)

// decodeIdentity decodes GET /v1/me.
func decodeIdentity(body []byte) (audit.Identity, error) {
	var id audit.Identity
	d := newDecoder(body)
	if err := d.open("", '{'); err != nil {
		return id, err
	}
	var seen uint16
	err := d.members("", func(key []byte) error {
		var (
			s   string
			err error
		)
		switch string(key) {
		case "user":
			seen |= 1
			id.User, err = d.str("user")
		case "organization":
			seen |= 2
			id.Organization, err = d.ref()
			err = withPath(err, "organization")
		case "role":
			seen |= 4
			s, err = d.str("role")
			id.Role = audit.Role(s)
		case "workspaces":
			seen |= 8
			id.Workspaces, err = d.refs()
		default:
			err = d.skip(string(key))
		}
		return err
	})
	if err != nil {
		return id, err
	}
	if err := missing("", seen, 15, []string{"user", "organization", "role", "workspaces"}); err != nil {
		return id, err
	}
	if err := d.end(); err != nil {
		return id, err
	}
	// A cache belongs to (base URL, organization, user): without both there
	// is nothing to key it by.
	switch {
	case id.User == "":
		return id, &contractError{path: "user", msg: "empty"}
	case id.Organization.ID == "":
		return id, &contractError{path: "organization.id", msg: "empty"}
	}
	if id.Workspaces == nil {
		id.Workspaces = []audit.Ref{}
	}
	return id, nil
}

// refs reads the identity's workspaces: an array of refs. null is taken as
// empty, since servers that marshal a nil list send it for an org with none.
func (d *decoder) refs() ([]audit.Ref, error) {
	if d.d.PeekKind() == 'n' {
		if _, err := d.d.ReadToken(); err != nil {
			return nil, d.fail("workspaces", err)
		}
		return nil, nil
	}
	if err := d.open("workspaces", '['); err != nil {
		return nil, err
	}
	var out []audit.Ref
	for i := 0; ; i++ {
		ok, err := d.more("workspaces")
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		r, err := d.ref()
		if err != nil {
			return nil, withPath(err, fmt.Sprintf("workspaces[%d]", i))
		}
		out = append(out, r)
	}
}
