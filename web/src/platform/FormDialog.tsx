import { useState, type ReactNode } from 'react';
import { Form, Modal, type FormInstance, type FormProps, type ModalProps } from 'antd';
import { ApiError } from './api';
import { applyServerErrors, useMutation } from './forms';
import { useT } from './i18n';
import { FormErrors } from './ui';

/** Thrown by a `submit` that stopped on purpose (e.g. a confirmation the user cancelled): no error is shown. */
export class SubmitCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export type FormDialogProps<V, R> = {
  /** Default true: most dialogs are drawn only while open. */
  open?: boolean;
  title: ReactNode;
  /** Default 保存 / Save. */
  okText?: ReactNode;
  /** Default 取消 / Cancel. */
  cancelText?: ReactNode;
  okButtonProps?: ModalProps['okButtonProps'];
  width?: ModalProps['width'];
  /** The caller's form, when it watches or sets fields itself; else the dialog makes its own. */
  form?: FormInstance<V>;
  initialValues?: FormProps<V>['initialValues'];
  /** The write, from the form's values (an API call: POSTs carry an Idempotency-Key, see platform/api.ts). */
  submit: (values: V) => Promise<R>;
  /** After a successful write (toasts, cache invalidation); the dialog then resets its form and closes. */
  onSaved?: (result: R, values: V) => void;
  onClose: () => void;
  /** After a failed write, once its errors are on the fields and in the banner (e.g. to unfold the fields in error). */
  onFailed?: (err: unknown) => void;
  /** Server field names (problem+json `errors[].field`) → the form's fields, where they differ. */
  errorFields?: Record<string, string> | ((field: string) => string);
  /** Server fields whose messages show in the banner too (rows of inputs with no room for a message under each). */
  bannerFields?: RegExp;
  /** Drawn above the form, under the error banner. */
  intro?: ReactNode;
  /** Drawn under the form (a preview and its button): a function gets `showError`, for the dialog's other requests. */
  after?: ReactNode | ((dialog: FormDialogApi<V>) => ReactNode);
  /** Other props of the form (layout defaults to vertical). */
  formProps?: Omit<FormProps<V>, 'form' | 'initialValues' | 'onFinish' | 'children'> & { 'data-testid'?: string };
  /** Other props of the modal (footer, afterClose …). */
  modalProps?: Omit<ModalProps, 'open' | 'title' | 'okText' | 'cancelText' | 'okButtonProps' | 'width' | 'onOk' | 'onCancel' | 'confirmLoading' | 'children'>;
  /** The form's fields. */
  children: ReactNode;
};

export type FormDialogApi<V> = {
  form: FormInstance<V>;
  /** Shows a request's error like the submit's (fields and banner); null clears the banner. */
  showError: (err: unknown) => void;
};

/**
 * A dialog holding a form that writes once: the one place for a form dialog's submit and its errors. OK submits the
 * form (its rules first); the write goes through forms.ts's `useMutation`, so a double click or Enter with OK sends it
 * once, and OK shows loading while it runs. The server's field errors go onto their fields (`applyServerErrors`),
 * the rest into a banner above the form. On success: `onSaved`, then the form is reset and the dialog closes.
 */
export function FormDialog<V, R = unknown>({
  open = true,
  title,
  okText,
  cancelText,
  okButtonProps,
  width,
  form: given,
  initialValues,
  submit,
  onSaved,
  onClose,
  onFailed,
  errorFields,
  bannerFields,
  intro,
  after,
  formProps,
  modalProps,
  children,
}: FormDialogProps<V, R>) {
  const t = useT();
  const [own] = Form.useForm<V>();
  const form = given ?? own;
  const [errors, setErrors] = useState<string[]>([]);
  const showError = (err: unknown) => {
    if (!err || err instanceof SubmitCancelled) return setErrors([]);
    const left = applyServerErrors(form, err, errorFields);
    const rows = bannerFields && err instanceof ApiError ? err.problem.errors.filter((e) => bannerFields.test(e.field)).map((e) => e.message) : [];
    setErrors([...new Set([...left, ...rows])]);
  };
  const save = useMutation<R, unknown, V>({
    mutationFn: submit,
    onSuccess: (result, values) => {
      setErrors([]);
      onSaved?.(result, values);
      form.resetFields();
      onClose();
    },
    onError: (err) => {
      showError(err);
      onFailed?.(err);
    },
  });
  return (
    <Modal
      {...modalProps}
      open={open}
      title={title}
      okText={okText ?? t('common.save')}
      cancelText={cancelText ?? t('common.cancel')}
      okButtonProps={okButtonProps}
      width={width}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      afterOpenChange={(visible) => {
        if (!visible) setErrors([]);
        modalProps?.afterOpenChange?.(visible);
      }}
      destroyOnHidden
    >
      <FormErrors errors={errors} />
      {intro}
      <Form<V> layout="vertical" {...formProps} form={form} clearOnDestroy initialValues={initialValues} onFinish={(v) => save.mutate(v)}>
        {children}
      </Form>
      {typeof after === 'function' ? after({ form, showError }) : after}
    </Modal>
  );
}
