"""Domain operations shared by the views and the command line."""
