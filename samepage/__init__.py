"""The ``samepage`` command line: the demo and the sandbox."""
