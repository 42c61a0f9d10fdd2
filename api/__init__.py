"""HTTP entry points: the JSON API under /api, HTML pages under /pages."""
