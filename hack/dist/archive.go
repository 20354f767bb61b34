package main

import (
	"archive/tar"
	"archive/zip"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"sort"
	"time"
)

// archive is one platform's release archive.
type archive struct {
	OS, Arch string
	Name     string // kubectl-eksa_recover_<version>_<os>_<arch>.tar.gz (.zip on Windows)
	Binary   string // kubectl-eksa_recover, .exe on Windows
	SHA256   string
}

func newArchive(version, goos, goarch string) archive {
	a := archive{OS: goos, Arch: goarch, Binary: binary}
	ext := ".tar.gz"
	if goos == "windows" {
		a.Binary += ".exe"
		ext = ".zip"
	}
	a.Name = fmt.Sprintf("%s_%s_%s_%s%s", binary, version, goos, goarch, ext)
	return a
}

// file is one archive member: its name in the archive and where it is now.
type file struct {
	Name string
	Path string
	Mode int64
}

// write writes the archive with its files sorted by name, every one owned by
// 0:0 (no names) and modified at modTime: nothing of the machine that built
// it, so two builds give the same bytes.
func (a archive) write(path string, files []file, modTime time.Time) error {
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if a.OS == "windows" {
		err = writeZip(out, files, modTime)
	} else {
		err = writeTarGz(out, files, modTime)
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

func writeTarGz(w io.Writer, files []file, modTime time.Time) error {
	// gzip's header keeps a name and a time only when set; they stay empty.
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	for _, f := range files {
		data, err := os.ReadFile(f.Path)
		if err != nil {
			return err
		}
		hdr := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     f.Name,
			Mode:     f.Mode,
			Size:     int64(len(data)),
			ModTime:  modTime,
			Format:   tar.FormatUSTAR,
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(w io.Writer, files []file, modTime time.Time) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestCompression)
	})
	for _, f := range files {
		data, err := os.ReadFile(f.Path)
		if err != nil {
			return err
		}
		hdr := &zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: modTime}
		hdr.SetMode(os.FileMode(f.Mode)) // Unix modes, so unzip keeps the binary executable
		fw, err := zw.CreateHeader(hdr)
		if err != nil {
			return err
		}
		if _, err := fw.Write(data); err != nil {
			return err
		}
	}
	return zw.Close()
}
