"""The treatment plan of an episode: the prescriber's proposal, the points the practitioner
chose (with any override of a safety exclusion), the course, goals and when to re-assess."""
