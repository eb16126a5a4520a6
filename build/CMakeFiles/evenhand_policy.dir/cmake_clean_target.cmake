file(REMOVE_RECURSE
  "libevenhand_policy.a"
)
