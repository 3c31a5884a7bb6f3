"""One module per `athar` sub-command; see :mod:`athar.cli`."""
