"""Forums and interviews: public sign-up and the organizers' pages."""
