"""Redraw the computation graphs shipped in course_lib/widgets/graphs.json (`make graphs`).

Run it after a change to course_lib/figures.py or the stage names: tests/test_widgets.py
fails while the shipped graphs are older than the drawing code.
"""

from course_lib.widgets.graph_cache import write_shipped_graphs

if __name__ == "__main__":
    print(f"wrote {write_shipped_graphs()}")
