file(REMOVE_RECURSE
  "libevenhand_text.a"
)
