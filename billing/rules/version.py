"""Version of the billing rules, stored with every decision so it can be replayed."""

# Bump on any change to a rule, code set or threshold: a stored decision is only
# reproducible from its inputs snapshot under the same rules version.
RULES_VERSION = "2026.12.2"
