# Empty dependencies file for evenhand.
# This may be replaced when dependencies are built.
