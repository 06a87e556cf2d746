// A Go program for the runners: its own scheduler (goroutines, channels,
// timers, preemption by SIGURG), os/signal, os/exec of a native and a
// foreign child, panics from nil dereferences, and the standard library.
// Every line it prints is deterministic; the native build prints the same.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func workerPool() {
	jobs := make(chan int, 100)
	results := make(chan int, 100)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- j * j
			}
		}()
	}
	go func() {
		for i := 1; i <= 1000; i++ {
			jobs <- i
		}
		close(jobs)
	}()
	go func() { wg.Wait(); close(results) }()
	sum := 0
	for r := range results {
		sum += r
	}
	fmt.Println("worker pool: sum of squares 1..1000 =", sum)
}

func atomicsAndMutex() {
	var n int64
	var mu sync.Mutex
	m := map[int]int{}
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 10000; i++ {
				atomic.AddInt64(&n, 1)
				mu.Lock()
				m[i%100] += g
				mu.Unlock()
			}
		}(g)
	}
	wg.Wait()
	total := 0
	for _, v := range m {
		total += v
	}
	fmt.Println("atomics:", n, "map total:", total)
}

// CPU-bound goroutines that never yield: only asynchronous preemption
// (SIGURG to the thread) lets the timer goroutine run.
func preemption() {
	runtime.GOMAXPROCS(2)
	var stop int32
	var spins [4]uint64
	for i := 0; i < 4; i++ {
		go func(i int) {
			for atomic.LoadInt32(&stop) == 0 {
				spins[i]++
			}
		}(i)
	}
	time.Sleep(50 * time.Millisecond)
	atomic.StoreInt32(&stop, 1)
	fmt.Println("preemption: the sleeper woke while 4 goroutines spun")
	runtime.GOMAXPROCS(4)
}

func timers() {
	ticker := time.NewTicker(5 * time.Millisecond)
	defer ticker.Stop()
	ticks := 0
	timeout := time.After(500 * time.Millisecond)
	for ticks < 5 {
		select {
		case <-ticker.C:
			ticks++
		case <-timeout:
			fmt.Println("timers: timed out")
			return
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	<-ctx.Done()
	fmt.Println("timers: 5 ticks, context:", ctx.Err())
}

func signals() {
	c := make(chan os.Signal, 4)
	signal.Notify(c, syscall.SIGUSR1, syscall.SIGHUP)
	signal.Ignore(syscall.SIGUSR2)
	syscall.Kill(os.Getpid(), syscall.SIGUSR2) // ignored: nothing happens
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	s1 := <-c
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	s2 := <-c
	signal.Stop(c)
	fmt.Println("signals:", s1, s2)
}

func nilPanic() (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	var p *struct{ x int }
	p.x = 42 // SIGSEGV in the guest, a runtime panic in Go
	return "no panic"
}

func children() {
	out, err := exec.Command("/bin/echo", "native", "child").Output()
	fmt.Printf("exec native: %q %v\n", strings.TrimSpace(string(out)), err)
	self, _ := os.Executable()
	cmd := exec.Command(self, "child", "7")
	out, err = cmd.Output()
	fmt.Printf("exec self: %q %v\n", strings.TrimSpace(string(out)), err)
	err = exec.Command(self, "child", "fail").Run()
	if ee, ok := err.(*exec.ExitError); ok {
		fmt.Println("exec self: exit status", ee.ExitCode())
	}
}

func stdlib() {
	dir, _ := os.MkdirTemp("", "gocheck")
	defer os.RemoveAll(dir)
	f := filepath.Join(dir, "data.json")
	type rec struct {
		Name  string   `json:"name"`
		Vals  []int    `json:"vals"`
		Ratio float64  `json:"ratio"`
		Tags  []string `json:"tags,omitempty"`
	}
	in := []rec{{"a", []int{1, 2, 3}, 0.5, nil}, {"b", nil, 1e-9, []string{"x", "y"}}}
	b, _ := json.Marshal(in)
	os.WriteFile(f, b, 0o644)
	rb, _ := os.ReadFile(f)
	var back []rec
	json.Unmarshal(rb, &back)
	fmt.Println("json:", string(rb), len(back))
	fmt.Printf("sha256: %x\n", sha256.Sum256(rb))
	fact := new(big.Int).MulRange(1, 50)
	fmt.Println("50! =", fact.String())
	words := strings.Fields("the quick brown fox jumps over the lazy dog")
	sort.Strings(words)
	fmt.Println("sorted:", strings.Join(words, ","))
	fmt.Println("strconv:", strconv.FormatFloat(3.14159265358979, 'e', 10, 64),
		strconv.Quote("tab\there"))
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "child" {
		if os.Args[2] == "fail" {
			os.Exit(3)
		}
		n, _ := strconv.Atoi(os.Args[2])
		fmt.Println("child says", n*6)
		return
	}
	fmt.Println("GOOS", runtime.GOOS, "NumGoroutine at start", runtime.NumGoroutine())
	workerPool()
	atomicsAndMutex()
	preemption()
	timers()
	signals()
	fmt.Println("nil dereference:", nilPanic())
	children()
	stdlib()
}
