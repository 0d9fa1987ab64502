"""The province's own seam: settings and hooks here are never overwritten by template updates."""
