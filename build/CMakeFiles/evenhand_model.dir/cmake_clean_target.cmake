file(REMOVE_RECURSE
  "libevenhand_model.a"
)
