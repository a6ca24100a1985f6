"""Pages that belong to no audience in particular: the front page with its language
switch, and the health probes that load balancers ask."""
