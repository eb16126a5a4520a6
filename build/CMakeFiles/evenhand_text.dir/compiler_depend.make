# Empty compiler generated dependencies file for evenhand_text.
# This may be replaced when dependencies are built.
