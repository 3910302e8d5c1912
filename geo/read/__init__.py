"""Reading: article files and pages into text, and each text into one Document (paragraphs, sentences, tokens, page furniture, the publication stamp)."""
