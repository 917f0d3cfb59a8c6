"""Appeals (DSA Art. 20): filing one (`filing`), a senior taking one to work (`work`), and its
outcome (`outcomes`): upheld, reversed or replaced with a milder decision."""
