"""One widget class per question type, each with the load / value / read-only contract."""
