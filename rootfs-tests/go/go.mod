module runtime.test/gocheck

go 1.19
