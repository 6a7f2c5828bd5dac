// replaced by the sandbox implementation
