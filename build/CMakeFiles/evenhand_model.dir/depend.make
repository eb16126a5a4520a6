# Empty dependencies file for evenhand_model.
# This may be replaced when dependencies are built.
