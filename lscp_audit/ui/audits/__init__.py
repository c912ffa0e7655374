"""The Audits area: the audits table, its filters and the page that holds them."""
