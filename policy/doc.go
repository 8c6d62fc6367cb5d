// Package policy reads what a tenant configured for Conditional Access, as
// exported from Microsoft Graph: the named locations today, the policies
// next, and answers offline what that configuration says of a sign-in's
// address. It opens every file through parse's text opener, so exports in
// UTF-16, with a byte order mark or gzip-compressed read like the sign-in
// exports next to them.
package policy
