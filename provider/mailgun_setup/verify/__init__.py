"""DNS checks with dnspython: what a record set holds right now, asked of given servers."""
