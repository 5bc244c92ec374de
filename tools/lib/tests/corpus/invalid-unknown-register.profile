hide FOO_EL9
