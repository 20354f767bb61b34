package bundle

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"os"
	"path"
	"strings"
	"time"
)

// Write writes files as one tar.gz at file, mode 0600 (it is created so:
// never readable by others, even for a moment), under one root folder
// named after the archive. It returns the archive's size.
func Write(file string, files []File, now time.Time) (int64, error) {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, fmt.Errorf("writing the bundle: %w", err)
	}
	root := strings.TrimSuffix(path.Base(file), ".tar.gz")
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	werr := func() error {
		for _, bf := range files {
			hdr := &tar.Header{Name: root + "/" + bf.Name, Mode: 0o600, Size: int64(len(bf.Data)), ModTime: now, Typeflag: tar.TypeReg}
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			if _, err := tw.Write(bf.Data); err != nil {
				return err
			}
		}
		if err := tw.Close(); err != nil {
			return err
		}
		return gz.Close()
	}()
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		_ = os.Remove(file)
		return 0, fmt.Errorf("writing the bundle %s: %w", file, werr)
	}
	fi, err := os.Stat(file)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
