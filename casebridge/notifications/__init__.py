"""What Casebridge tells a user, in the app and by an e-mail that is only a link."""
