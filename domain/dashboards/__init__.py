"""The executives' dashboards (issue 13 item 7): complaints against the 90 % / 85 % targets by
month and division, a screening round's funnel, a PDCA round's progress by division and
dimension, and overdue open steps by division. Counts only, composed from the same service
functions as the reports they summarise; no workflow of its own (not in the registry)."""
