"""Recovery plans in the participant's own words, their versions, milestones and strengths."""
