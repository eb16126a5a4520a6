# Empty compiler generated dependencies file for evenhand_policy.
# This may be replaced when dependencies are built.
