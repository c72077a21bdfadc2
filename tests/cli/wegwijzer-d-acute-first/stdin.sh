# (d) a man is beaten and pushed into a van now: "yes" to acute danger, then the other questions.
printf '1\n1\n4\n2\n2\n1\n2\n'
