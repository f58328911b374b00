"""Source problems: one module each, holding the instance type, its file formats, an
independent checker of certificates and a reference solver."""
