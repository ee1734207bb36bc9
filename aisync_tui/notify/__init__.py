"""Notifications: after a sync run commits, one message about what changed for the models the
user cares about, handed to Apprise (an optional extra). Sending never changes a run's outcome
or exit code, and the URLs, which often hold tokens, are never shown.

- `news`: what changed in a run, read back from the store (scope: models listed for the user,
  used in the last 30 days, or watched; catalog-only churn is not news).
- `message`: the words of one message.
- `send`: Apprise, bounded in time, with every URL redacted.
- `hook`: what the sync commands call after they commit.
"""
