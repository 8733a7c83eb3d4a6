module github.com/vssmirror/vssmirror/tools

go 1.26.0
