"""PDE problem families: seeded input samplers and their discretizations on tensor grids."""
