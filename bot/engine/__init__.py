"""The embedded engine: reads the Rasa project files and answers in-process."""
