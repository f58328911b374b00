"""The test suite, one folder per part of the package (see tests/README.md); a package so
that test modules with the same name in different folders, and ``tests.helpers``, import."""
