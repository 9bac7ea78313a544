package rolemanager

// Removes are the role's Role Manager policies that adopting it in
// sagerole's activities (Command) takes away: inline policies to delete by
// name, managed policies to detach by ARN. The wizard picks the same
// changes the command line does.
func (m *Match) Removes() (inline, detach []string) {
	for _, p := range m.remove {
		if p.arn != "" {
			detach = append(detach, p.arn)
		} else {
			inline = append(inline, p.name)
		}
	}
	return inline, detach
}
