"""The clinician's pages: patients' charts, test sessions, and signed notes."""
