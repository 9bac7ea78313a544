module github.com/sagerole/sagerole/assets/demo/tapeparse

go 1.26.0

require github.com/charmbracelet/vhs v0.10.0
