"""Pure domain: templates, audits, answers, conditions, judgements. No I/O, no Qt."""
