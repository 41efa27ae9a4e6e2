"""The online questionnaire: public answering pages and the staff's builder, invitations and responses."""
