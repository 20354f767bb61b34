package crds

import (
	"context"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
)

// Validate runs the API server's own CRD validation (structural schema,
// printer column paths, names) on crd as given, so a CRD the world would
// install fails in a unit test with a clear message instead of inside envtest.
func Validate(crd *apiextensionsv1.CustomResourceDefinition) error {
	in := crd.DeepCopy()
	apiextensionsv1.SetObjectDefaults_CustomResourceDefinition(in)
	var internal apiextensions.CustomResourceDefinition
	if err := apiextensionsv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(in, &internal, nil); err != nil {
		return err
	}
	return validation.ValidateCustomResourceDefinition(context.Background(), &internal).ToAggregate()
}
