"""Events: triggers, tolls and kinds per sentence, the date each event gets, and its confidence."""
