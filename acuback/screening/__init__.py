"""Red-flag screening at intake: the answers, the decision, and the referral outcome that may
unblock treatment planning. The rules themselves live in `acuback.clinical.screening`."""
