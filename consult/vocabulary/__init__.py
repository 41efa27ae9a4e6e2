"""What a consultation calls things: its levels' names, its questionnaire's prompts, its codes."""
