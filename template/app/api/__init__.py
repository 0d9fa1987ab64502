"""HTTP layer: dependencies, routers and the Open311 formats."""
