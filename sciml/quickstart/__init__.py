"""The main job, ``sciml quickstart``: every part of the package end to end, one report."""
