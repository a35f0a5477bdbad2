"""Pages of the village poverty data, by concern: villages (with the Pokja), families, a submission
and its review chain, the submission editor, rounds with the review queue, and the dashboard.

Thin: parse with a form, ask the policy, call one selector or service, render or redirect.
Identity numbers (NIK, No. KK) and names never appear in URLs: records are addressed by pk,
and the family search term travels in a POST and lives in the session.
"""
